neighbours China via membr_of
