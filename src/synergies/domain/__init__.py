"""The pure core: values and rules of an alliance's synergies. No I/O, no framework."""
