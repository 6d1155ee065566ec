?x part_of+
