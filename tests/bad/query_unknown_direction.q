neighbours China sideways
