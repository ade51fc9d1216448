from narrascope.cli import main

main()
