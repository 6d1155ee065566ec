?s member_of 'UN'
