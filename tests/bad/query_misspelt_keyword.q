neighbour China
