path China ICC via membr_of
