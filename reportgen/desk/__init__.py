"""The collection desk: owners hand in their sheets on a web page and see at once what to fix."""
