from cers_app.cli import main

main()
