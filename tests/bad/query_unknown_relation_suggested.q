neighbours China via part_off
