from mydia_import.cli import main

main()
