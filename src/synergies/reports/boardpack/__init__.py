"""The board pack: the year's synergy statement, from the pages' own figures, as PDF or HTML."""
