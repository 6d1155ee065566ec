count neighbours China
