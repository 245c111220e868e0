"""What is published about the dataset as a whole: dumps, VoID, the DCAT catalogue, statistics, and resource descriptions."""
