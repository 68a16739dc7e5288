"""The console adapter: a simulated workspace in the terminal, and Hearth's end-to-end test harness."""
