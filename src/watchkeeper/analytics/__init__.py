"""Analytics: runs indicator definitions where the data is (store, DuckDB/Parquet, Spark)."""
