print("refstore")
