/* classify.h: placeholder, being written. */
