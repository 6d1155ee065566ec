path China ICC via part_of{99999999999}
