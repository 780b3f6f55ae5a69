"""`tiptoe chat`: the coach in a terminal, one line in, replies out."""
