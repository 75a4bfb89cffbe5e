"""Procedural anatomy: one drawing per region, as tissue shapes on a :class:`Canvas`; the drawing of
each region is :data:`pacslabel.synth.anatomy.regions.DRAW`.

Each ``draw_<region>(c, rng, z, view)`` paints tissues named by the palette keys (AIR, LUNG, FAT, SOFT,
MUSCLE, FLUID, BRAIN, WHITE, BONE, CORTEX, CONTRAST, GAS, BLOOD, GLAND, ORGAN, KIDNEY, MYO).
``view`` is "axial", "coronal", "sagittal" or "short" (cardiac short axis) for cross-sections at
position ``z`` in [-1, 1], and "frontal", "ap", "lateral", "cc", "lao" or "rao" for projections; a
drawing without a picture of its own for a view draws its default one. Every call jitters sizes and
positions, so no two images are identical, while the layout that identifies a region (round skull,
lungs and ribs, vertebra column, fingers...) stays.
"""
