?s part_of Security_Concil
