neighbours China out out
