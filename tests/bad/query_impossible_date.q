neighbours China as of 2014-13-45
