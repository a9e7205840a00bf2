from techspec.cli import main

main()
