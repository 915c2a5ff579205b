from kuroko.cli import main

main()
