! DGESVDOCL from Fortran with DGESVD's argument list: workspace query, the
! SVD of a 30 x 20 matrix with JOBU='S', JOBVT='A' (ratios as in ddrvbd,
! bound 50), JOBU='O' (U overwrites A), and a bad LDA caught by this
! program's own XERBLA (as LAPACK's test programs do).
module xerbla_record
  implicit none
  integer :: calls = 0, last_info = 0
  character(len=16) :: last_name = ' '
end module xerbla_record

subroutine xerbla(srname, info)
  use xerbla_record
  implicit none
  character(len=*), intent(in) :: srname
  integer, intent(in) :: info
  calls = calls + 1
  last_info = info
  last_name = srname
end subroutine xerbla

program test_dgesvdocl
  use xerbla_record
  implicit none
  integer, parameter :: m = 30, n = 20
  double precision :: a(m, n), a0(m, n), s(n), u(m, n), vt(n, n), q(1), r(m, n)
  double precision, allocatable :: work(:)
  double precision :: eps, r1, r2, r3, anorm
  integer :: info, lwork, i, j, p
  external :: dgesvdocl

  eps = epsilon(1d0)
  do j = 1, n
    do i = 1, m
      a0(i, j) = sin(dble(i * 7 + j * 13)) + merge(1d0, 0d0, i == j)
    end do
  end do
  a = a0
  call dgesvdocl('S', 'A', m, n, a, m, s, u, m, vt, n, q, -1, info)
  if (info /= 0) stop 1
  lwork = int(q(1))
  allocate(work(lwork))
  call dgesvdocl('S', 'A', m, n, a, m, s, u, m, vt, n, work, lwork, info)
  if (info /= 0) stop 2
  r = a0
  do p = 1, n
    do j = 1, n
      r(:, j) = r(:, j) - u(:, p) * s(p) * vt(p, j)
    end do
  end do
  anorm = maxval(sum(abs(a0), dim=1))
  r1 = maxval(sum(abs(r), dim=1)) / (anorm * m * eps)
  r2 = maxval(sum(abs(matmul(transpose(u), u) - eye(n)), dim=1)) / (m * eps)
  r3 = maxval(sum(abs(matmul(vt, transpose(vt)) - eye(n)), dim=1)) / (n * eps)
  print '(a, 3f9.3)', ' DGESVDOCL from Fortran, ratios |A-USV''|, |I-U''U|, |I-VV''|:', r1, r2, r3
  if (.not. (r1 < 50 .and. r2 < 50 .and. r3 < 50)) stop 3
  do i = 2, n
    if (s(i) > s(i - 1) .or. s(i) < 0) stop 4
  end do
  ! JOBU = 'O': U overwrites the first min(m,n) columns of A.
  a = a0
  call dgesvdocl('O', 'N', m, n, a, m, s, u, 1, vt, 1, work, lwork, info)
  if (info /= 0) stop 5
  r2 = maxval(sum(abs(matmul(transpose(a), a) - eye(n)), dim=1)) / (m * eps)
  if (.not. (r2 < 50)) stop 6
  ! LDA < M: XERBLA('DGESVDOCL', 6) and INFO = -6.
  call dgesvdocl('A', 'A', m, n, a, m - 1, s, u, m, vt, n, work, lwork, info)
  if (info /= -6 .or. calls /= 1 .or. last_info /= 6 .or. trim(last_name) /= 'DGESVDOCL') stop 7
  print '(a)', ' DGESVDOCL argument error: XERBLA(''DGESVDOCL'', 6), INFO = -6'
contains
  function eye(k) result(e)
    integer, intent(in) :: k
    double precision :: e(k, k)
    integer :: t
    e = 0
    do t = 1, k
      e(t, t) = 1
    end do
  end function eye
end program test_dgesvdocl
