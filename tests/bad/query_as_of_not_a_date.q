neighbours China as of 42
