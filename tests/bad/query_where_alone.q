where ?x > 1
