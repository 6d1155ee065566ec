neighbours Chna
