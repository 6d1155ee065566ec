path China ICC via part_of{3,1}
