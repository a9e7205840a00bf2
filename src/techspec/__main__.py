from techspec.cli.main import main

main()
