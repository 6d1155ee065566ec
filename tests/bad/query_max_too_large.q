paths China North_Korea max 5000
