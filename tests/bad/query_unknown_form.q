frobnicate China
