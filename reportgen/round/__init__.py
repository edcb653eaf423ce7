"""The owners' round: sheets out (pre-filled, with e-mail drafts), collection status back in."""
