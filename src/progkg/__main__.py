from progkg.cli import main

main()
