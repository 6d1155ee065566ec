path China ICC via part_of{1000}
