neighbours "China
