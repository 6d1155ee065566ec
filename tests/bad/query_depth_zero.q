neighbours China depth 0
