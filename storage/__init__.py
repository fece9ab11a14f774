"""The store: database engine, migrations, repositories, import and export."""
