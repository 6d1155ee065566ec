paths China United_Nations limit 0
