from .cli import main

if __name__ == "__main__":  # not when a process of the build's imports it
    main()
