why
