paths China United_Nations max
