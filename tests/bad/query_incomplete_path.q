path China
