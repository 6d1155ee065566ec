neighbours Chna
count ?x: stat
path China
