// Called from an async function so overload resolution picks AsyncParsableCommand's main.
func runSnapStore() async {
    await SnapStoreCommand.main()
}

await runSnapStore()
