"""The demo help desk (`anchordesk demo`): at the top of the layers, it may use every app."""
