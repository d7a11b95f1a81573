"""What the data says: trends, changes since the last snapshot, the anomaly guard, citation
history planning and counting, and the charts. Pure functions over rows and DataFrames.
"""
