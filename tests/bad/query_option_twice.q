neighbours China depth 2 depth 3
