"""Reading, mapping and validating what people upload: files in, a validated Dataset out."""
