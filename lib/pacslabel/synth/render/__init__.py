"""Turn a region drawing into pixels the way each modality would: HU for CT, MR signal, radiograph
exposure, mammography, fluoroscopy, scintigraphy counts, PET activity, ultrasound speckle in RGB. The
series' appearance picks the drawing (plane, projection) and the rendering (MR sequence contrast, CT
kernel and phase, subtraction, Doppler, PET attenuation correction, ...).

:func:`pacslabel.synth.render.frames.render_frames` returns stored values (uint8 / uint16 arrays, frames
first for multi-frame) plus the pixel-description attributes that belong with them.
"""
