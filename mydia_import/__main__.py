from mydia_import.cli import main

# Guarded: a process pool started with "spawn" imports the main module again in each worker.
if __name__ == "__main__":
    main()
