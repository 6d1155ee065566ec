show "North Koreа"
