print("restore-drill")
